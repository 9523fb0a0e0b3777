// Precompiled header of the engine (and of tests that REUSE_FROM it). Only stable, heavy
// third-party headers belong here.
#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <torch/script.h>
#include <torch/torch.h>
#include <vector>
