// The monitors' properties under the controlled scheduler.
#define BOOST_TEST_MODULE monitor_properties
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "property/assertions_throw.hpp"

using postable::testing::AssertionsThrow;
BOOST_TEST_GLOBAL_FIXTURE(AssertionsThrow);
