#include "xml/element.hpp"

#include <algorithm>
#include <utility>

namespace kontalk::xml {

Node::Node(Element element) : element_(std::make_unique<Element>(std::move(element))) {}

Node::Node(std::string text) : text_(std::move(text)) {}

Node::Node(const Node& other)
    : element_(other.element_ ? std::make_unique<Element>(*other.element_) : nullptr),
      text_(other.text_) {}

Node& Node::operator=(const Node& other) {
  if (this != &other) {
    element_ = other.element_ ? std::make_unique<Element>(*other.element_) : nullptr;
    text_ = other.text_;
  }
  return *this;
}

Node::~Node() = default;

Element::Element(std::string name, std::string xmlns)
    : name_(std::move(name)), xmlns_(std::move(xmlns)) {}

std::string_view Element::attribute(std::string_view name) const {
  for (const Attribute& attribute : attributes_) {
    if (attribute.name == name) return attribute.value;
  }
  return {};
}

bool Element::hasAttribute(std::string_view name) const {
  return std::any_of(attributes_.begin(), attributes_.end(),
                     [name](const Attribute& attribute) { return attribute.name == name; });
}

Element& Element::setAttribute(std::string_view name, std::string value) {
  for (Attribute& attribute : attributes_) {
    if (attribute.name == name) {
      attribute.value = std::move(value);
      return *this;
    }
  }
  attributes_.push_back(Attribute{std::string(name), std::move(value)});
  return *this;
}

void Element::removeAttribute(std::string_view name) {
  std::erase_if(attributes_, [name](const Attribute& attribute) { return attribute.name == name; });
}

Element& Element::addChild(Element child) {
  return nodes_.emplace_back(std::move(child)).element();
}

Element& Element::addChild(std::string name, std::string xmlns) {
  return addChild(Element(std::move(name), std::move(xmlns)));
}

void Element::addText(std::string_view text) {
  if (text.empty()) return;
  // Expat delivers character data in pieces (one per line, at least); appending in place keeps
  // one node per run of text and linear cost.
  if (!nodes_.empty() && !nodes_.back().isElement()) {
    nodes_.back().text_.append(text);
    return;
  }
  nodes_.emplace_back(std::string(text));
}

const Element* Element::child(std::string_view name, std::string_view xmlns) const {
  for (const Node& node : nodes_) {
    if (node.isElement() && node.element().is(name, xmlns)) return &node.element();
  }
  return nullptr;
}

Element* Element::child(std::string_view name, std::string_view xmlns) {
  return const_cast<Element*>(std::as_const(*this).child(name, xmlns));
}

const Element* Element::firstChildIn(std::string_view xmlns) const {
  for (const Node& node : nodes_) {
    if (node.isElement() && node.element().xmlns() == xmlns) return &node.element();
  }
  return nullptr;
}

const Element* Element::firstChild() const {
  for (const Node& node : nodes_) {
    if (node.isElement()) return &node.element();
  }
  return nullptr;
}

std::vector<const Element*> Element::children(std::string_view name, std::string_view xmlns) const {
  std::vector<const Element*> result;
  for (const Node& node : nodes_) {
    if (node.isElement() && node.element().is(name, xmlns)) result.push_back(&node.element());
  }
  return result;
}

std::vector<const Element*> Element::childElements() const {
  std::vector<const Element*> result;
  for (const Node& node : nodes_) {
    if (node.isElement()) result.push_back(&node.element());
  }
  return result;
}

size_t Element::removeChildren(std::string_view name, std::string_view xmlns) {
  return std::erase_if(nodes_, [name, xmlns](const Node& node) {
    return node.isElement() && node.element().is(name, xmlns);
  });
}

std::size_t Element::contentSize() const {
  std::size_t size = name_.size() + xmlns_.size();
  for (const auto& attribute : attributes_) size += attribute.name.size() + attribute.value.size();
  for (const auto& node : nodes_) {
    size += node.isElement() ? node.element().contentSize() : node.text().size();
  }
  return size;
}

std::string Element::text() const {
  std::string result;
  for (const Node& node : nodes_) {
    if (!node.isElement()) result += node.text();
  }
  return result;
}

std::string Element::childText(std::string_view name, std::string_view xmlns) const {
  const Element* found = child(name, xmlns);
  return found != nullptr ? found->text() : std::string();
}

}  // namespace kontalk::xml
