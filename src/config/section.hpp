#pragma once
// Options declared once (ARCHITECTURE.md §10; Redis's createIntConfig and nginx's ngx_command_t
// are the models). A section's table names each key, binds it to a field of the section's
// settings struct, and states its type, bounds and one line of documentation. Reading,
// validation and the generated reference (docs/configuration.md, config/kontalkd.example.toml)
// all come from that one table. Defaults are the settings struct's member initializers: written
// once, beside the field, and printed by the reference.
//
//   struct CsiSettings { std::size_t maxHeld = 1000; };
//   const config::Section<CsiSettings> kCsiOptions("modules.csi", "Client state indication",
//       [](config::SectionBuilder<CsiSettings>& option) {
//         option.integer("max_held", &CsiSettings::maxHeld, 1, 100000,
//                        "stanzas held back for an inactive client");
//       });
//   CsiSettings settings = kCsiOptions.read(table, "kontalkd.toml");
//
// Every key a table does not declare is an error naming file and line; so is a value of the
// wrong type or outside its bounds.
//
// Threading: built once (static initialisation or start-up), read-only afterwards.

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_error.hpp"
#include "config/option_codecs.hpp"
#include "config/value.hpp"

namespace kontalk::config {

// What the reference shows of one option.
struct OptionReference {
  std::string key;
  std::string type;          // "integer", "seconds", "boolean", "string", ...
  std::string defaultValue;  // as TOML
  std::string allowed;       // "1 to 100000", "\"replace\" or \"refuse\"", empty when anything goes
  std::string doc;
};

struct SectionReference {
  std::string name;  // "c2s", "modules.csi"
  std::string doc;
  std::vector<OptionReference> options;
};

template <typename Settings>
class Option {
 public:
  virtual ~Option() = default;
  virtual const std::string& key() const = 0;
  // Stores `value` in `settings`, or says why it cannot ("must be an integer from 1 to 10").
  virtual std::optional<std::string> read(const Value& value, Settings& settings) const = 0;
  virtual OptionReference reference(const Settings& defaults) const = 0;
};

// One option: a key bound to a field (of Settings or of one of its bases) through a codec that
// reads and writes the field's type (config/option_codecs.hpp).
template <typename Settings, typename Owner, typename Field, typename Codec>
class FieldOption final : public Option<Settings> {
 public:
  FieldOption(std::string key, Field Owner::*field, Codec codec, std::string doc)
      : key_(std::move(key)), field_(field), codec_(std::move(codec)), doc_(std::move(doc)) {}

  const std::string& key() const override { return key_; }
  std::optional<std::string> read(const Value& value, Settings& settings) const override {
    return codec_.read(value, settings.*field_);
  }
  OptionReference reference(const Settings& defaults) const override {
    return OptionReference{key_, codec_.typeName(), codec_.format(defaults.*field_),
                           codec_.allowed(), doc_};
  }

 private:
  std::string key_;
  Field Owner::*field_;
  Codec codec_;
  std::string doc_;
};

// The verbs of a section's table. Each binds `key` to a field of Settings (or of a base struct
// Settings derives from, such as xml::ParserLimits for [limits]).
template <typename Settings>
class SectionBuilder {
 public:
  template <typename Owner, typename Int>
  requires std::derived_from<Settings, Owner> && std::integral<Int>
  void integer(std::string key, Int Owner::*field, std::type_identity_t<Int> min,
               std::type_identity_t<Int> max, std::string doc) {
    add(std::move(key), field, IntegerCodec<Int>{min, max}, std::move(doc));
  }
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void number(std::string key, double Owner::*field, double min, double max, std::string doc) {
    add(std::move(key), field, NumberCodec{min, max}, std::move(doc));
  }
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void flag(std::string key, bool Owner::*field, std::string doc) {
    add(std::move(key), field, FlagCodec{}, std::move(doc));
  }
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void text(std::string key, std::string Owner::*field, std::string doc) {
    add(std::move(key), field, TextCodec{}, std::move(doc));
  }
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void path(std::string key, std::filesystem::path Owner::*field, std::string doc) {
    add(std::move(key), field, PathCodec{}, std::move(doc));
  }
  template <typename Owner, typename Rep, typename Period>
  requires std::derived_from<Settings, Owner>
  void duration(std::string key, std::chrono::duration<Rep, Period> Owner::*field,
                std::type_identity_t<std::chrono::duration<Rep, Period>> min,
                std::type_identity_t<std::chrono::duration<Rep, Period>> max, std::string doc) {
    add(std::move(key), field, DurationCodec<std::chrono::duration<Rep, Period>>{min, max},
        std::move(doc));
  }
  // A string out of a fixed set, stored as the string.
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void choice(std::string key, std::string Owner::*field, std::vector<std::string> choices,
              std::string doc) {
    add(std::move(key), field, ChoiceCodec{std::move(choices)}, std::move(doc));
  }
  // A string out of a fixed set, stored as the enum value it names.
  template <typename Owner, typename Enum>
  requires std::derived_from<Settings, Owner> && std::is_enum_v<Enum>
  void choice(std::string key, Enum Owner::*field,
              std::vector<std::pair<std::string, Enum>> choices, std::string doc) {
    add(std::move(key), field, EnumCodec<Enum>{std::move(choices)}, std::move(doc));
  }
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void textList(std::string key, std::vector<std::string> Owner::*field, std::string doc) {
    add(std::move(key), field, ListCodec<TextCodec>{TextCodec{}}, std::move(doc));
  }
  // A value written as a string with a syntax of its own ("3/30", "host:port"): `parse` reads
  // it (nullopt when malformed), `format` writes it, `syntax` tells the reader what is expected.
  template <typename Owner, typename T>
  requires std::derived_from<Settings, Owner>
  void parsed(std::string key, T Owner::*field, ParsedCodec<T> codec, std::string doc) {
    add(std::move(key), field, std::move(codec), std::move(doc));
  }
  template <typename Owner, typename T>
  requires std::derived_from<Settings, Owner>
  void parsedList(std::string key, std::vector<T> Owner::*field, ParsedCodec<T> codec,
                  std::string doc) {
    add(std::move(key), field, ListCodec<ParsedCodec<T>>{std::move(codec)}, std::move(doc));
  }
  // A table of string values: `hosts = { "example.org" = "127.0.0.1:5269" }`.
  template <typename Owner>
  requires std::derived_from<Settings, Owner>
  void textMap(std::string key, std::map<std::string, std::string> Owner::*field, std::string doc) {
    add(std::move(key), field, TextMapCodec{}, std::move(doc));
  }

  // An array of tables (`[[section.key]]` in the file), each read into one T by the codec.
  template <typename Owner, typename T>
  requires std::derived_from<Settings, Owner>
  void tableList(std::string key, std::vector<T> Owner::*field, TableListCodec<T> codec,
                 std::string doc) {
    add(std::move(key), field, std::move(codec), std::move(doc));
  }

  std::vector<std::unique_ptr<Option<Settings>>> take() { return std::move(options_); }

 private:
  template <typename Owner, typename Field, typename Codec>
  void add(std::string key, Field Owner::*field, Codec codec, std::string doc) {
    options_.push_back(std::make_unique<FieldOption<Settings, Owner, Field, Codec>>(
        std::move(key), field, std::move(codec), std::move(doc)));
  }

  std::vector<std::unique_ptr<Option<Settings>>> options_;
};

template <typename Settings>
class Section {
 public:
  using Declare = std::function<void(SectionBuilder<Settings>&)>;
  // A check across options (e.g. a provider that needs another key): the problem, or nullopt.
  using Check = std::function<std::optional<std::string>(const Settings&)>;

  Section(std::string name, std::string doc, const Declare& declare, Check check = nullptr)
      : name_(std::move(name)), doc_(std::move(doc)), check_(std::move(check)) {
    SectionBuilder<Settings> builder;
    declare(builder);
    options_ = builder.take();
  }

  const std::string& name() const { return name_; }

  // The settings `table` (nullptr: the section is absent) describes. Throws ConfigError naming
  // `file` and the line of the offending key.
  Settings read(const Value* table, const std::string& file) const {
    Settings settings{};
    if (table == nullptr) return checked(std::move(settings), file, 0);
    const auto* entries = table->table();
    if (entries == nullptr) throwConfigError(file, table->line, name_, "", "must be a table");
    for (const auto& [key, value] : *entries) {
      const Option<Settings>* option = find(key);
      if (option == nullptr) throwConfigError(file, value.line, name_, key, unknownKey());
      if (auto problem = option->read(value, settings)) {
        throwConfigError(file, value.line, name_, key, *problem);
      }
    }
    return checked(std::move(settings), file, table->line);
  }

  SectionReference reference() const {
    SectionReference reference{name_, doc_, {}};
    const Settings defaults{};
    for (const auto& option : options_) reference.options.push_back(option->reference(defaults));
    return reference;
  }

 private:
  const Option<Settings>* find(const std::string& key) const {
    for (const auto& option : options_) {
      if (option->key() == key) return option.get();
    }
    return nullptr;
  }

  std::string unknownKey() const {
    std::string known;
    for (const auto& option : options_) known += (known.empty() ? "" : ", ") + option->key();
    return "is not a known setting" +
           (known.empty() ? std::string(" (this section has none)") : " (known: " + known + ")");
  }

  Settings checked(Settings settings, const std::string& file, int line) const {
    if (check_) {
      if (auto problem = check_(settings)) throwConfigError(file, line, name_, "", *problem);
    }
    return settings;
  }

  std::string name_;
  std::string doc_;
  Check check_;
  std::vector<std::unique_ptr<Option<Settings>>> options_;
};

}  // namespace kontalk::config
