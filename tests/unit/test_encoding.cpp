// Tests of apps/readers/encoding (issue 15: being written).
#include <doctest/doctest.h>
