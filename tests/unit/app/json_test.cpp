// The --json writer: escaping per RFC 8259 and numbers JSON can carry.
#include <gtest/gtest.h>

#include <cmath>

#include "app/report/json.hpp"

namespace simvx {
namespace {

TEST(Json, StringsAreEscaped) {
    EXPECT_EQ(json_string("plain"), "\"plain\"");
    EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(json_string("line\nnext\ttab\r"), "\"line\\nnext\\ttab\\r\"");
    EXPECT_EQ(json_string(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
    EXPECT_EQ(json_string(std::string("nul\0x", 5)), "\"nul\\u0000x\"");
    EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8e\xb5"), "\"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x8e\xb5\"");  // UTF-8 kept
    EXPECT_EQ(json_string("bad \xff byte \xc3"), "\"bad \\ufffd byte \\ufffd\"");  // invalid UTF-8 replaced
    EXPECT_EQ(json_string("\xc0\x80"), "\"\\ufffd\\ufffd\"");                       // overlong NUL
}

TEST(Json, NumbersRoundTripAndNonFiniteIsNull) {
    EXPECT_EQ(json_number(0.25), "0.25");
    EXPECT_EQ(json_number(-90), "-90");
    EXPECT_EQ(std::stod(json_number(0.1)), 0.1);
    EXPECT_EQ(json_number(-INFINITY), "null");
    EXPECT_EQ(json_number(NAN), "null");
}

TEST(Json, ObjectsNestFieldsInOrder) {
    const JsonObject o = JsonObject()
                             .add("type", "status")
                             .add("n", uint64_t{3})
                             .add("ok", true)
                             .add("none", std::optional<double>())
                             .add("list", std::vector<JsonObject>{JsonObject().add("a", 1), JsonObject()})
                             .add("names", std::vector<std::string>{"x", "y\""});
    EXPECT_EQ(o.str(), R"({"type":"status","n":3,"ok":true,"none":null,"list":[{"a":1},{}],"names":["x","y\""]})");
}

}  // namespace
}  // namespace simvx
