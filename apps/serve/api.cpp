// Placeholder: written by the issue-16 helper that owns apps/serve/api.cpp.
#include "api.hpp"
