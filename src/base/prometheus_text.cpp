#include "base/prometheus_text.hpp"

#include <charconv>
#include <cmath>

namespace kontalk::base::metrics {
namespace {

std::string_view typeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      return "histogram";
  }
  return "untyped";
}

// Go's ParseFloat spellings, which Prometheus reads: "+Inf", "-Inf", "NaN"; otherwise the
// shortest text that reads back as the same double, without an exponent in the usual range
// (bucket bounds are matched as strings in queries: le="0.0005", as client libraries write it).
void appendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char buffer[64];
    const double magnitude = std::fabs(value);
    const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
    const auto result =
        plain ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
              : std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, result.ptr);
  }
}

void appendEscaped(std::string& out, std::string_view text, bool quotes) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="x",b="y"} with `extra` (a histogram's le) last; nothing when there are no labels.
void appendLabels(std::string& out, const Labels& labels, std::string_view extraName = {},
                  std::string_view extraValue = {}) {
  if (labels.empty() && extraName.empty()) return;
  out += '{';
  bool first = true;
  const auto append = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    appendEscaped(out, value, true);
    out += '"';
  };
  for (const auto& [name, value] : labels) append(name, value);
  if (!extraName.empty()) append(extraName, extraValue);
  out += '}';
}

void appendSample(std::string& out, std::string_view name, std::string_view suffix,
                  const Labels& labels, double value, std::string_view extraName = {},
                  std::string_view extraValue = {}) {
  out += name;
  out += suffix;
  appendLabels(out, labels, extraName, extraValue);
  out += ' ';
  appendNumber(out, value);
  out += '\n';
}

void appendHistogram(std::string& out, const Family& family, const Sample& sample) {
  const auto& histogram = *sample.histogram;
  for (std::size_t i = 0; i < histogram.cumulative.size(); ++i) {
    std::string bound;
    appendNumber(bound, i < histogram.bounds.size() ? histogram.bounds[i] : INFINITY);
    appendSample(out, family.name, "_bucket", sample.labels,
                 static_cast<double>(histogram.cumulative[i]), "le", bound);
  }
  appendSample(out, family.name, "_sum", sample.labels, histogram.sum);
  appendSample(out, family.name, "_count", sample.labels,
               static_cast<double>(histogram.cumulative.back()));
}

}  // namespace

std::string formatPrometheusText(const std::vector<Family>& families) {
  std::string out;
  for (const auto& family : families) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    appendEscaped(out, family.help, false);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += typeName(family.type);
    out += '\n';
    for (const auto& sample : family.samples) {
      if (sample.histogram) {
        appendHistogram(out, family, sample);
      } else {
        appendSample(out, family.name, "", sample.labels, sample.value);
      }
    }
  }
  return out;
}

}  // namespace kontalk::base::metrics
