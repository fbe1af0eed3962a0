#include "metrics/metrics_registry.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "metrics/exposition.h"

namespace pluton::storage {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      bucket_counts_(new std::atomic<uint64_t>[upper_bounds_.size() + 1]) {
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) bucket_counts_[i].store(0);
}

void Histogram::Observe(double value) {
  // The first bucket whose bound is >= value (Prometheus buckets are "less than or equal").
  const size_t bucket =
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  bucket_counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
  while (true) {
    double sum;
    std::memcpy(&sum, &old_bits, sizeof(sum));
    sum += value;
    uint64_t new_bits;
    std::memcpy(&new_bits, &sum, sizeof(sum));
    if (sum_bits_.compare_exchange_weak(old_bits, new_bits, std::memory_order_relaxed)) break;
  }
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.upper_bounds = upper_bounds_;
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += bucket_counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative_counts.push_back(running);
  }
  // The +Inf bucket and _count agree, as the format requires, even under concurrent updates.
  snapshot.count = running;
  const uint64_t bits = sum_bits_.load(std::memory_order_relaxed);
  std::memcpy(&snapshot.sum, &bits, sizeof(snapshot.sum));
  return snapshot;
}

template <class Metric>
Metric& Family<Metric>::With(const std::vector<std::string>& label_values) {
  if (label_values.size() != label_names_.size()) {
    // A caller's mistake: padded or cut to the label names, so the exposition stays valid.
    std::vector<std::string> fitted = label_values;
    fitted.resize(label_names_.size());
    return With(fitted);
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<Metric>& child = children_[label_values];
  if (child == nullptr) child = make_();
  return *child;
}

template <class Metric>
void Family<Metric>::ForEach(
    const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [values, metric] : children_) visit(values, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

namespace {

void ExposeCounters(const Family<Counter>& family, std::string* out) {
  AppendHeader(out, family.name(), family.help(), "counter");
  family.ForEach([&](const std::vector<std::string>& values, const Counter& counter) {
    AppendSample(out, family.name(), family.label_names(), values, absl::StrCat(counter.value()));
  });
}

void ExposeGauges(const Family<Gauge>& family, std::string* out) {
  AppendHeader(out, family.name(), family.help(), "gauge");
  family.ForEach([&](const std::vector<std::string>& values, const Gauge& gauge) {
    AppendSample(out, family.name(), family.label_names(), values, absl::StrCat(gauge.value()));
  });
}

void ExposeHistograms(const Family<Histogram>& family, std::string* out) {
  AppendHeader(out, family.name(), family.help(), "histogram");
  std::vector<std::string> bucket_names = family.label_names();
  bucket_names.push_back("le");
  family.ForEach([&](const std::vector<std::string>& values, const Histogram& histogram) {
    const Histogram::Snapshot snapshot = histogram.Read();
    std::vector<std::string> bucket_values = values;
    bucket_values.emplace_back();
    for (size_t i = 0; i < snapshot.cumulative_counts.size(); ++i) {
      bucket_values.back() = i < snapshot.upper_bounds.size()
                                 ? FormatValue(snapshot.upper_bounds[i])
                                 : std::string("+Inf");
      AppendSample(out, absl::StrCat(family.name(), "_bucket"), bucket_names, bucket_values,
                   absl::StrCat(snapshot.cumulative_counts[i]));
    }
    AppendSample(out, absl::StrCat(family.name(), "_sum"), family.label_names(), values,
                 FormatValue(snapshot.sum));
    AppendSample(out, absl::StrCat(family.name(), "_count"), family.label_names(), values,
                 absl::StrCat(snapshot.count));
  });
}

}  // namespace

struct MetricsRegistry::Entry {
  std::string name;
  std::function<void(std::string*)> expose;
  std::shared_ptr<void> family;  // keeps a family alive; null for a callback gauge
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

template <class Metric>
Family<Metric>& MetricsRegistry::AddFamily(const std::string& name, const std::string& help,
                                           std::vector<std::string> label_names,
                                           std::function<std::unique_ptr<Metric>()> make,
                                           void (*expose)(const Family<Metric>&, std::string*)) {
  const bool unlabelled = label_names.empty();
  auto family =
      std::make_shared<Family<Metric>>(name, help, std::move(label_names), std::move(make));
  if (unlabelled) family->With({});
  Family<Metric>* raw = family.get();
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::make_shared<Entry>(
      Entry{name, [raw, expose](std::string* out) { expose(*raw, out); }, family}));
  return *raw;
}

Family<Counter>& MetricsRegistry::AddCounter(const std::string& name, const std::string& help,
                                             std::vector<std::string> label_names) {
  return AddFamily<Counter>(
      name, help, std::move(label_names), [] { return std::make_unique<Counter>(); },
      &ExposeCounters);
}

Family<Gauge>& MetricsRegistry::AddGauge(const std::string& name, const std::string& help,
                                         std::vector<std::string> label_names) {
  return AddFamily<Gauge>(
      name, help, std::move(label_names), [] { return std::make_unique<Gauge>(); }, &ExposeGauges);
}

Family<Histogram>& MetricsRegistry::AddHistogram(const std::string& name, const std::string& help,
                                                 std::vector<std::string> label_names,
                                                 std::vector<double> upper_bounds) {
  std::sort(upper_bounds.begin(), upper_bounds.end());
  return AddFamily<Histogram>(
      name, help, std::move(label_names),
      [upper_bounds] { return std::make_unique<Histogram>(upper_bounds); }, &ExposeHistograms);
}

std::shared_ptr<void> MetricsRegistry::AddCallbackGauge(const std::string& name,
                                                        const std::string& help,
                                                        std::function<double()> read) {
  auto entry =
      std::make_shared<Entry>(Entry{name,
                                    [name, help, read = std::move(read)](std::string* out) {
                                      AppendHeader(out, name, help, "gauge");
                                      AppendSample(out, name, {}, {}, FormatValue(read()));
                                    },
                                    nullptr});
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(entry);
  }
  // The handle removes the entry; the registry must outlive it.
  return std::shared_ptr<void>(nullptr, [this, entry](void*) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(std::remove(entries_.begin(), entries_.end(), entry), entries_.end());
  });
}

std::string MetricsRegistry::Expose() const {
  // Under the lock, so a callback gauge's handle, once destroyed, is never read again.
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& entry : entries_) entry->expose(&out);
  return out;
}

std::vector<std::string> MetricsRegistry::Names() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> names;
  for (const auto& entry : entries_) names.push_back(entry->name);
  return names;
}

}  // namespace pluton::storage
