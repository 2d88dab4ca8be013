#include <catch2/catch.hpp>

#include "pktmap/report/counters.hpp"
#include "pktmap/report/json_writer.hpp"

using namespace pktmap::report;

TEST_CASE("Counters keep insertion order and never lose counts", "[report]") {
  Counters c;
  c.add("b");
  c.add("a", 5);
  c.add("b", 2);
  CHECK(c.get("b") == 3);
  CHECK(c.get("a") == 5);
  CHECK(c.get("zzz") == 0);
  CHECK(c.begin()->name == "b");
  CHECK(c.total() == 8);
  static std::string names[300];
  for (int i = 0; i < 300; ++i) {
    names[i] = 'n';  // appended, not "n" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
    names[i] += std::to_string(i);
    c.add(names[i]);
  }
  CHECK(c.size() == Counters::kCapacity);
  CHECK(c.total() == 308);
  CHECK(c.get("counters_overflow") > 0);
}

TEST_CASE("JsonWriter nests, separates and escapes", "[report]") {
  JsonWriter j;
  j.begin_object().field("a", 1).key("b").begin_array().value("x").value(true).null().end_array();
  j.key("c").begin_object().field("q", "he said \"hi\"\n").end_object();
  std::uint8_t bytes[] = {0xde, 0xad};
  j.key("h").hex(bytes).end_object();
  CHECK(j.str() == R"({"a":1,"b":["x",true,null],"c":{"q":"he said \"hi\"\n"},"h":"dead"})");
  j.clear();
  j.begin_object().field("s", std::string_view("ok \xc3\xa9 bad \xff \x01", 13)).end_object();
  CHECK(j.str() == "{\"s\":\"ok \xc3\xa9 bad \\ufffd \\u0001\"}");
}

TEST_CASE("JsonWriter replaces bytes that cannot start a UTF-8 sequence", "[report][regression]") {
  // 0xf5-0xff followed by continuation bytes were once copied through as a 3-byte sequence (found by
  // fuzz_dissect in an RA captive-portal URI), which made the line invalid JSON.
  JsonWriter j;
  j.begin_object()
      .field("s", std::string_view("\xff\x9c\x9c|\xf5\x80\x80\x80|\xc0\xaf|\xe2\x82\xac", 15))
      .end_object();
  CHECK(j.str() ==
        "{\"s\":\"\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd|\xe2\x82\xac\"}");
}

TEST_CASE("JsonWriter: escaping fallbacks keep separators, str() mid-document, reuse", "[report]") {
  JsonWriter j;
  j.begin_object().field("a", 1).key("b\"c").value("x\ny").key("d").begin_array();
  j.value(std::string_view("\xff")).value("plain").value(std::int64_t{-5}).end_array();
  CHECK(j.str() == "{\"a\":1,\"b\\\"c\":\"x\\ny\",\"d\":[\"\\ufffd\",\"plain\",-5]");
  j.end_object();  // writing on after str() continues the same document
  CHECK(j.str() == "{\"a\":1,\"b\\\"c\":\"x\\ny\",\"d\":[\"\\ufffd\",\"plain\",-5]}");
  // Longer than the initial buffer, then reused: the text is exact each time.
  const std::string big(10000, 'q');
  for (int round = 0; round < 2; ++round) {
    j.clear();
    j.begin_array().value(big).value(std::uint64_t{18446744073709551615u}).end_array();
    CHECK(j.str() == "[\"" + big + "\",18446744073709551615]");
  }
  j.clear();
  j.begin_object().end_object();
  CHECK(j.str() == "{}");
}
