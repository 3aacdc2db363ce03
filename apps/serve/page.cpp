// Placeholder: written by the issue-16 helper that owns apps/serve/page.cpp.
#include "page.hpp"
