#pragma once
// Python literals for generated code: the layers' Python forms and TorchScript text, and the
// PyTorch program export (export_python.cpp).

#include <string>

namespace torchwright {

// A double as the shortest Python literal that reads back as the same double, so constants such
// as the normalization's mean reach Python bit for bit.
std::string pyNumber(double v);
std::string pyBool(bool b);
// A quoted string: JSON string escapes (\", \\, \n, \uXXXX) are valid Python string escapes.
std::string pyString(const std::string &s);

} // namespace torchwright
