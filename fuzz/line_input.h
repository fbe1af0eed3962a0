// LineInput: a fuzz input read as text lines, so seed corpora stay readable and editable.
//
//   LineInput in(data, size);
//   std::string method = in.Next();   // "" once the input is used up
//   while (!in.done()) headers.push_back(in.Next());
//
// Lines end at '\n' (kept out of the line); any other byte, NUL included, is line content.
// Thread safety: one thread at a time; `data` must outlive the LineInput.
#ifndef PLUTON_FUZZ_LINE_INPUT_H_
#define PLUTON_FUZZ_LINE_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pluton::fuzz {

class LineInput {
 public:
  LineInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  bool done() const { return rest_.empty(); }

  // The next line, or "" at the end.
  std::string Next() {
    const size_t end = rest_.find('\n');
    std::string line(rest_.substr(0, end));
    rest_.remove_prefix(end == absl::string_view::npos ? rest_.size() : end + 1);
    return line;
  }

  // Everything not read yet, line breaks included.
  std::string Rest() {
    std::string rest(rest_);
    rest_ = {};
    return rest;
  }

 private:
  absl::string_view rest_;
};

}  // namespace pluton::fuzz

#endif  // PLUTON_FUZZ_LINE_INPUT_H_
