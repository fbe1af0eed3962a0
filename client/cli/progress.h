// ProgressBar: the upload progress line on a terminal, redrawn in place ("\r" ... clear to
// end of line) at most once per interval, whatever the rate of updates.
//
//   ProgressBar bar(std::cerr);
//   options.on_progress = [&](int64_t sent, int64_t total) { bar.Update(sent, total); };
//   ... upload ...
//   bar.Finish();
//
// Thread safety: not thread-safe.
#ifndef PLUTON_CLIENT_CLI_PROGRESS_H_
#define PLUTON_CLIENT_CLI_PROGRESS_H_

#include <cstdint>
#include <functional>
#include <ostream>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pluton::storage::client {

class ProgressBar {
 public:
  explicit ProgressBar(std::ostream& out, std::function<absl::Time()> now = absl::Now,
                       absl::Duration interval = absl::Milliseconds(100));

  // Records progress; draws if `interval` has passed since the last drawing (the first
  // update draws at once).
  void Update(int64_t sent, int64_t total);
  // Draws the last state and ends the line, if anything was drawn. Idempotent.
  void Finish();

 private:
  void Draw();

  std::ostream& out_;
  std::function<absl::Time()> now_;
  absl::Duration interval_;
  absl::Time start_;
  absl::Time last_draw_ = absl::InfinitePast();
  int64_t sent_ = 0;
  int64_t total_ = -1;
  bool drawn_ = false;
  bool finished_ = false;
};

}  // namespace pluton::storage::client

#endif  // PLUTON_CLIENT_CLI_PROGRESS_H_
