// InputError: the one exception type for bad user input (config, trace, command line). Its message
// names the file, the key and what was expected; tools print it and exit non-zero.
#pragma once

#include <stdexcept>
#include <string>

namespace mixpe {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mixpe
