#include "fleetlab/engine/event_queue.h"

#include <cassert>
#include <utility>

namespace fleetlab {

void EventQueue::Push(const Event& event) {
  heap_.push_back(event);
  std::size_t i = heap_.size() - 1;
  while (i > 0) {  // sift up
    std::size_t parent = (i - 1) / 2;
    if (!(heap_[i].key < heap_[parent].key)) break;
    std::swap(heap_[i], heap_[parent]);
    i = parent;
  }
}

Event EventQueue::Pop() {
  assert(!heap_.empty());
  Event top = heap_.front();
  Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return top;
  std::size_t i = 0;  // sift `last` down from the root
  while (true) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1].key < heap_[child].key) ++child;
    if (!(heap_[child].key < last.key)) break;
    heap_[i] = heap_[child];
    i = child;
  }
  heap_[i] = last;
  return top;
}

}  // namespace fleetlab
