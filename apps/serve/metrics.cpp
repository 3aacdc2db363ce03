// Placeholder: written by the issue-16 helper that owns apps/serve/metrics.cpp.
#include "metrics.hpp"
