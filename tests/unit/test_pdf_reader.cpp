// Tests of apps/readers/pdf_reader (issue 15: being written).
#include <doctest/doctest.h>
