#include "pgp/armor.hpp"

#include "pgp/rnp_handles.hpp"

namespace kontalk::pgp::armor {
namespace {

bool isArmored(std::string_view data) {
  return data.find("-----BEGIN PGP") != std::string_view::npos;
}

Result<std::string> dearmor(std::string_view armored) {
  rnp_input_t rawInput = nullptr;
  if (rnp_input_from_memory(&rawInput, reinterpret_cast<const std::uint8_t*>(armored.data()),
                            armored.size(), false) != RNP_SUCCESS) {
    return fail("OpenPGP: cannot read armored key");
  }
  rnp::Input input(rawInput);
  rnp_output_t rawOutput = nullptr;
  if (rnp_output_to_memory(&rawOutput, 0) != RNP_SUCCESS)
    return fail("librnp: cannot allocate output");
  rnp::Output output(rawOutput);
  if (rnp_dearmor(input.get(), output.get()) != RNP_SUCCESS)
    return fail("OpenPGP: bad ASCII armor");
  std::uint8_t* data = nullptr;
  std::size_t size = 0;
  if (rnp_output_memory_get_buf(output.get(), &data, &size, false) != RNP_SUCCESS) {
    return fail("librnp: cannot read dearmored key");
  }
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace

Result<std::string> binaryPackets(std::string_view input) {
  if (isArmored(input)) return dearmor(input);
  return std::string(input);
}

}  // namespace kontalk::pgp::armor
