#pragma once
// Lookups over an option list, for the codecs whose iterator has next(Option&) and whose options carry a
// code (DHCPv4, DHCPv6): the same loop either way, whatever the width of the code.
#include <cstddef>

#include "pktmap/wire/byte_view.hpp"

namespace pktmap::codec::detail {

// The first option with `code`, into out; false when there is none (or the list breaks before one).
template <class Iterator, class Option, class Code>
bool find_option(ByteView options, Code code, Option& out) {
  Iterator it(options);
  Option o;
  while (it.next(o)) {
    if (o.code == code) {
      out = o;
      return true;
    }
  }
  return false;
}

// How many options have `code` (a repeated option is worth flagging in some protocols).
template <class Iterator, class Option, class Code>
std::size_t count_options(ByteView options, Code code) {
  Iterator it(options);
  Option o;
  std::size_t n = 0;
  while (it.next(o))
    n += o.code == code;
  return n;
}

}  // namespace pktmap::codec::detail
