// Placeholder (issue 16): replaced by the helper that owns it.
#include <doctest/doctest.h>
