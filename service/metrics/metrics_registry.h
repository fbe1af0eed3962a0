// A small Prometheus-style metrics registry: counters, gauges, one histogram type, label sets,
// and the text exposition (metrics/exposition.h) of all of them.
//
//   MetricsRegistry registry;
//   Family<Counter>& uploads = registry.AddCounter("x_uploads_total", "Uploads.", {"outcome"});
//   Counter& ok = uploads.With({"ok"});  // look the label set up once per call ...
//   ok.Add();                            // ... then update it lock-free (relaxed atomics)
//
// Ownership: the registry owns its families, a family its children; references stay valid for
// the registry's lifetime (children are never removed). Thread safety: everything is
// thread-safe; With() takes the family's mutex, updates are atomics only, Expose() reads a
// consistent-enough snapshot (each value is read atomically, not all at one instant).
#ifndef PLUTON_SERVICE_METRICS_METRICS_REGISTRY_H_
#define PLUTON_SERVICE_METRICS_METRICS_REGISTRY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace pluton::storage {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative buckets with fixed, ascending upper bounds (the +Inf bucket is implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<uint64_t> cumulative_counts;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> bucket_counts_;  // per bucket, non-cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_bits_{0};  // a double, updated by compare-and-swap
};

enum class MetricType { kCounter, kGauge, kHistogram };

// One metric name with its help text, label names and one child per label-value set.
template <class Metric>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::function<std::unique_ptr<Metric>()> make)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        make_(std::move(make)) {}

  // The child for `label_values`, one per label name in order (created on first use).
  // Values must come from bounded sets (a provider id, a status code), never per-object data.
  Metric& With(const std::vector<std::string>& label_values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls `visit(label_values, metric)` for every child, in label-value order.
  void ForEach(
      const std::function<void(const std::vector<std::string>&, const Metric&)>& visit) const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // A family without labels starts with its one child, so it is exported (as 0) at once.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> upper_bounds);

  // A label-less gauge read at scrape time, exported only while the returned handle lives
  // (its owner's lifetime): nothing is exported for a component that does not exist.
  // `read` runs on the scraping thread and must be thread-safe.
  [[nodiscard]] std::shared_ptr<void> AddCallbackGauge(const std::string& name,
                                                       const std::string& help,
                                                       std::function<double()> read);

  // Every family in the text exposition format 0.0.4, in registration order.
  std::string Expose() const;
  // The names of every family Expose() can show (callback gauges included while registered).
  std::vector<std::string> Names() const;

 private:
  struct Entry;
  template <class Metric>
  Family<Metric>& AddFamily(const std::string& name, const std::string& help,
                            std::vector<std::string> label_names,
                            std::function<std::unique_ptr<Metric>()> make,
                            void (*expose)(const Family<Metric>&, std::string*));
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Entry>> entries_;
};

}  // namespace pluton::storage

#endif  // PLUTON_SERVICE_METRICS_METRICS_REGISTRY_H_
