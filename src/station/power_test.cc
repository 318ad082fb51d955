#include "fleetlab/station/power.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

constexpr SimTime kMs = 1'000'000;

PowerOptions Duty() {
  PowerOptions p;
  p.active_w = 2.0;
  p.idle_w = 0.5;
  p.sleep_w = 0.01;
  p.wake_j = 0.001;
  p.sleep_after_s = 0.020;
  return p;
}

TEST(PowerMeterTest, HandComputedDutyCycle) {
  PowerMeter m(Duty(), 1);
  // Busy 10 ms every 100 ms, three times.
  for (int k = 0; k < 3; ++k) {
    m.OnBusy(0, k * 100 * kMs);
    m.OnIdle(0, (k * 100 + 10) * kMs);
  }
  // Per cycle after the first: 10 ms x 2 W + 20 ms x 0.5 W + 70 ms x 0.01 W
  // + one wake (1 mJ) = 0.0317 J. The first busy spell starts at time 0 (no
  // wake); the run ends 10 ms after the third spell (idle, awake).
  const double expected = 3 * 0.020 + 2 * (0.010 + 0.0007 + 0.001) + 0.010 * 0.5;
  EXPECT_NEAR(m.EnergyJ(220 * kMs), expected, 1e-12);
  EXPECT_EQ(m.wakeups(), 2u);
  EXPECT_NEAR(m.ActiveSeconds(220 * kMs), 0.030, 1e-12);
}

TEST(PowerMeterTest, WindowStartCutsASpellInTwo) {
  PowerMeter m(Duty(), 2);
  m.OnBusy(0, 0);
  m.Reset(5 * kMs);  // device 0 busy, device 1 idle since 0
  m.OnIdle(0, 10 * kMs);
  // Device 0: 5 ms of its busy spell; device 1: idle 5..10 ms (awake).
  EXPECT_NEAR(m.EnergyJ(10 * kMs), 0.005 * 2.0 + 0.005 * 0.5, 1e-12);
  // Device 1 falls asleep at 20 ms; at 50 ms: device 0 idle 10..30 awake,
  // 30..50 asleep; device 1 idle 5..20 awake, 20..50 asleep.
  EXPECT_NEAR(m.EnergyJ(50 * kMs), 0.010 + 0.020 * 0.5 + 0.020 * 0.01 + 0.015 * 0.5 + 0.030 * 0.01, 1e-12);
}

TEST(PowerMeterTest, NeverSleepsByDefault) {
  PowerOptions p;
  p.idle_w = 1.0;
  p.sleep_w = 0.0;
  p.wake_j = 5.0;
  PowerMeter m(p, 1);
  m.OnBusy(0, 1000 * kMs);
  EXPECT_EQ(m.wakeups(), 0u);
  EXPECT_NEAR(m.EnergyJ(1000 * kMs), 1.0, 1e-12);
}

}  // namespace
}  // namespace fleetlab
