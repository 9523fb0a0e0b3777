#include "layers/python.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace torchwright {

std::string pyNumber(double v)
{
    if (std::isnan(v))
        return "float(\"nan\")";
    if (std::isinf(v))
        return v > 0 ? "float(\"inf\")" : "-float(\"inf\")";
    std::string s;
    for (int precision : {15, 16, 17}) {
        std::ostringstream os;
        os.precision(precision);
        os << v;
        s = os.str();
        if (std::strtod(s.c_str(), nullptr) == v)
            break;
    }
    if (s.find_first_of(".eE") == std::string::npos)
        s += ".0";
    return s;
}

std::string pyBool(bool b) { return b ? "True" : "False"; }

std::string pyString(const std::string &s) { return nlohmann::json(s).dump(); }

} // namespace torchwright
