// Runs each unit test binary with doctest's own main; tests that need a folder make their own
// with docket::test::TempDir (tests/unit/test_support.hpp), removed unless the test failed.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
