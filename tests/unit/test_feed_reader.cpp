// Tests of apps/readers/feed_reader (issue 15: being written).
#include <doctest/doctest.h>
