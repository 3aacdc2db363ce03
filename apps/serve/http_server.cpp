// Placeholder: written by the issue-16 helper that owns apps/serve/http_server.cpp.
#include "http_server.hpp"
