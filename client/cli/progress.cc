#include "client/cli/progress.h"

#include <utility>

#include "client/cli/render.h"

namespace pluton::storage::client {

ProgressBar::ProgressBar(std::ostream& out, std::function<absl::Time()> now,
                         absl::Duration interval)
    : out_(out), now_(std::move(now)), interval_(interval), start_(now_()) {}

void ProgressBar::Update(int64_t sent, int64_t total) {
  sent_ = sent;
  total_ = total;
  if (finished_) return;
  if (now_() - last_draw_ >= interval_) Draw();
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!drawn_) return;
  Draw();
  out_ << "\n" << std::flush;
}

void ProgressBar::Draw() {
  absl::Time now = now_();
  last_draw_ = now;
  drawn_ = true;
  out_ << "\r" << FormatProgressLine(sent_, total_, now - start_) << "\x1b[K" << std::flush;
}

}  // namespace pluton::storage::client
