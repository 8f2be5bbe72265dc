#pragma once
// An XML element tree for stanzas: what the stream parser produces and the serializer writes.
// Elements are plain values (deep-copyable, movable); no element knows its parent.
// Threading: plain values; any thread (concurrent reads of one element are safe, a write is not).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kontalk::xml {

// An attribute by qualified name as written on the wire ("type", "xml:lang").
struct Attribute {
  std::string name;
  std::string value;
};

class Element;

// One child node, in document order: either an element or a run of character data.
class Node {
 public:
  explicit Node(Element element);
  explicit Node(std::string text);
  Node(const Node& other);
  Node(Node&&) noexcept = default;
  Node& operator=(const Node& other);
  Node& operator=(Node&&) noexcept = default;
  ~Node();

  bool isElement() const { return element_ != nullptr; }
  const Element& element() const { return *element_; }
  Element& element() { return *element_; }
  // Character data (unescaped); empty for an element node.
  const std::string& text() const { return text_; }

 private:
  friend class Element;  // appends to a trailing text node in place (Element::addText)

  std::unique_ptr<Element> element_;
  std::string text_;
};

class Element {
 public:
  // `xmlns` is the element's namespace URI (never a prefix).
  explicit Element(std::string name, std::string xmlns = {});

  const std::string& name() const { return name_; }
  const std::string& xmlns() const { return xmlns_; }
  bool is(std::string_view name, std::string_view xmlns) const {
    return name_ == name && xmlns_ == xmlns;
  }

  // Attributes. attribute() returns "" when absent; use hasAttribute() to tell empty from absent.
  const std::vector<Attribute>& attributes() const { return attributes_; }
  std::string_view attribute(std::string_view name) const;
  bool hasAttribute(std::string_view name) const;
  Element& setAttribute(std::string_view name, std::string value);  // replaces; returns *this
  void removeAttribute(std::string_view name);

  // Children. addChild returns a reference to the stored child, valid until the next mutation.
  const std::vector<Node>& nodes() const { return nodes_; }
  Element& addChild(Element child);
  Element& addChild(std::string name, std::string xmlns);
  void addText(std::string_view text);  // appends to a trailing text node or adds one
  // First child element with this name and namespace, or nullptr.
  const Element* child(std::string_view name, std::string_view xmlns) const;
  Element* child(std::string_view name, std::string_view xmlns);
  // First child element in this namespace (any name), or nullptr. Used to dispatch IQ payloads.
  const Element* firstChildIn(std::string_view xmlns) const;
  // First child element of any name/namespace, or nullptr.
  const Element* firstChild() const;
  std::vector<const Element*> children(std::string_view name, std::string_view xmlns) const;
  std::vector<const Element*> childElements() const;
  // Removes every child element with this name and namespace; returns how many were removed.
  size_t removeChildren(std::string_view name, std::string_view xmlns);
  void clearChildren() { nodes_.clear(); }

  // Concatenated character data of the direct children.
  std::string text() const;
  // Bytes of names, namespaces, attributes and text in this subtree: close to its serialized
  // size, without serializing (for bounds on what the server copies).
  std::size_t contentSize() const;
  // Text of the first child element with this name and namespace ("" when absent).
  std::string childText(std::string_view name, std::string_view xmlns) const;

 private:
  std::string name_;
  std::string xmlns_;
  std::vector<Attribute> attributes_;
  std::vector<Node> nodes_;
};

}  // namespace kontalk::xml
