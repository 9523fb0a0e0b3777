// Precompiled header of the engine (and of tests that REUSE_FROM it). Only stable, heavy
// third-party headers belong here.
#pragma once
#include <torch/torch.h>
#include <torch/script.h>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
