// Placeholder: written by the issue-16 helper that owns apps/serve/query_string.cpp.
#include "query_string.hpp"
