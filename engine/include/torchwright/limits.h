#pragma once
// The largest sizes the engine accepts, stated once, and the checked arithmetic that keeps sizes
// read from files from wrapping. Every integer a project gives (a sample_shape entry, a layer's
// size parameter) is range-checked against these before any arithmetic, and every count a shape
// rule computes from them (elements, parameters, multiply-adds) is a Count, which notices
// overflow instead of wrapping to a negative number that later divides by zero. Torch-free.

#include <cstdint>
#include <limits>
#include <string>

namespace torchwright {

// Elements of one tensor: a sample's tensor anywhere in the graph (batch excluded) or one weight
// tensor. 2^40 float32 elements are 4 TiB, beyond any model this program can train, yet small
// enough that no product of two in-range counts overflows int64.
constexpr int64_t kMaxElements = int64_t(1) << 40;
// One entry of sample_shape, and each size parameter of a layer (features, channels, kernel,
// stride, padding, hidden size, vocabulary): 2^24. With kMaxElements it keeps every shape rule's
// intermediate products far inside int64.
constexpr int64_t kMaxDimension = int64_t(1) << 24;
// The largest "dim" a layer may name, either way: a sample has at most 4 dimensions
// (sample_shape) and layers add at most a few.
constexpr int64_t kMaxRank = 8;

// A count (elements, parameters, multiply-adds) computed with checked arithmetic: once a step
// overflows int64 the count stays overflowed, and exceeds() any maximum.
class Count {
public:
    constexpr Count(int64_t value = 0) : m_value(value) {}

    friend Count operator*(Count a, Count b)
    {
        Count r;
        r.m_overflow = a.m_overflow || b.m_overflow || __builtin_mul_overflow(a.m_value, b.m_value, &r.m_value);
        return r;
    }
    friend Count operator+(Count a, Count b)
    {
        Count r;
        r.m_overflow = a.m_overflow || b.m_overflow || __builtin_add_overflow(a.m_value, b.m_value, &r.m_value);
        return r;
    }
    Count &operator*=(Count o) { return *this = *this * o; }
    Count &operator+=(Count o) { return *this = *this + o; }

    bool overflowed() const { return m_overflow; }
    bool exceeds(int64_t max) const { return m_overflow || m_value > max; }
    // The value; int64's largest when it overflowed.
    int64_t value() const { return m_overflow ? std::numeric_limits<int64_t>::max() : m_value; }
    // The value as text, or "more than 9223372036854775807" when it overflowed.
    std::string text() const
    {
        return m_overflow ? "more than " + std::to_string(std::numeric_limits<int64_t>::max())
                          : std::to_string(m_value);
    }

private:
    int64_t m_value = 0;
    bool m_overflow = false;
};

} // namespace torchwright
