// Tests of apps/readers/html_reader (issue 15: being written).
#include <doctest/doctest.h>
