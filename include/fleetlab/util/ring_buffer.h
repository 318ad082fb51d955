// RingBuffer<T>: a FIFO on a growable circular array. PushBack, PopFront and
// Front are O(1) amortised and allocate only when the buffer grows past its
// peak size (unlike erasing from the front of a vector, which is O(n)).
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

namespace fleetlab {

template <typename T>
class RingBuffer {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void PushBack(T value) {
    if (size_ == slots_.size()) Grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = std::move(value);
    ++size_;
  }

  // REQUIRES: !empty()
  const T& Front() const { assert(size_ > 0); return slots_[head_]; }
  // The i-th element from the front. REQUIRES: i < size()
  const T& operator[](std::size_t i) const { assert(i < size_); return slots_[(head_ + i) & (slots_.size() - 1)]; }

  // Removes the i-th element from the front, keeping the order of the rest.
  // O(size() - i): for rare removals (a cancelled request), not the hot path.
  // REQUIRES: i < size()
  void EraseAt(std::size_t i) {
    assert(i < size_);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t j = i; j + 1 < size_; ++j) slots_[(head_ + j) & mask] = std::move(slots_[(head_ + j + 1) & mask]);
    --size_;
  }

  // REQUIRES: !empty()
  T PopFront() {
    assert(size_ > 0);
    T value = std::move(slots_[head_]);
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
    return value;
  }

 private:
  void Grow() {  // capacity stays a power of two so indexing is a mask
    std::vector<T> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = std::move(slots_[(head_ + i) & (slots_.size() - 1)]);
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace fleetlab
