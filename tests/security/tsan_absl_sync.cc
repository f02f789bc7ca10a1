// ThreadSanitizer sees no synchronisation inside Debian's libabsl_synchronization.so (not built
// with TSan), so every absl::Mutex, CondVar and Notification would look like no lock at all and
// TSan would report races on everything they guard. This shim restores the happens-before edges:
// the TSan targets link with -Wl,--wrap=<symbol> for each entry point below (see
// tests/CMakeLists.txt), so calls from our (instrumented) code come here, call the real function
// and tell TSan "acquired" / "released" on the object's address. Only in build/tsan.
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

extern "C" {
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}

#define WSE_REAL(sym) __real_##sym
#define WSE_WRAP(sym) __wrap_##sym

// Lock-like: the real call, then "acquired".
#define WSE_LOCK(sym)                                   \
  extern "C" void WSE_REAL(sym)(absl::Mutex * mu);      \
  extern "C" void WSE_WRAP(sym)(absl::Mutex * mu);      \
  extern "C" void WSE_WRAP(sym)(absl::Mutex * mu) {     \
    WSE_REAL(sym)(mu);                                  \
    __tsan_acquire(mu);                                 \
  }
#define WSE_TRYLOCK(sym)                                \
  extern "C" bool WSE_REAL(sym)(absl::Mutex * mu);      \
  extern "C" bool WSE_WRAP(sym)(absl::Mutex * mu);      \
  extern "C" bool WSE_WRAP(sym)(absl::Mutex * mu) {     \
    const bool locked = WSE_REAL(sym)(mu);              \
    if (locked) __tsan_acquire(mu);                     \
    return locked;                                      \
  }
#define WSE_UNLOCK(sym)                                 \
  extern "C" void WSE_REAL(sym)(absl::Mutex * mu);      \
  extern "C" void WSE_WRAP(sym)(absl::Mutex * mu);      \
  extern "C" void WSE_WRAP(sym)(absl::Mutex * mu) {     \
    __tsan_release(mu);                                 \
    WSE_REAL(sym)(mu);                                  \
  }

WSE_LOCK(_ZN4absl7debian35Mutex4LockEv)
WSE_LOCK(_ZN4absl7debian35Mutex10ReaderLockEv)
WSE_TRYLOCK(_ZN4absl7debian35Mutex7TryLockEv)
WSE_TRYLOCK(_ZN4absl7debian35Mutex13ReaderTryLockEv)
WSE_UNLOCK(_ZN4absl7debian35Mutex6UnlockEv)
WSE_UNLOCK(_ZN4absl7debian35Mutex12ReaderUnlockEv)

extern "C" {
// Mutex::LockWhen / ReaderLockWhen (Condition).
void __real__ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(absl::Mutex*, const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(absl::Mutex*, const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(absl::Mutex* mu,
                                                             const absl::Condition& c) {
  __real__ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE(mu, c);
  __tsan_acquire(mu);
}
void __real__ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(absl::Mutex*,
                                                                    const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(absl::Mutex*,
                                                                    const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(absl::Mutex* mu,
                                                                    const absl::Condition& c) {
  __real__ZN4absl7debian35Mutex14ReaderLockWhenERKNS0_9ConditionE(mu, c);
  __tsan_acquire(mu);
}
// Mutex::LockWhenWithTimeout / WithDeadline (and the reader forms): held on return.
bool __real__ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex*, const absl::Condition&, absl::Duration);
bool __wrap__ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex*, const absl::Condition&, absl::Duration);
bool __wrap__ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex* mu, const absl::Condition& c, absl::Duration d) {
  const bool r = __real__ZN4absl7debian35Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE(mu, c, d);
  __tsan_acquire(mu);
  return r;
}
bool __real__ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex*, const absl::Condition&, absl::Time);
bool __wrap__ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex*, const absl::Condition&, absl::Time);
bool __wrap__ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex* mu, const absl::Condition& c, absl::Time t) {
  const bool r = __real__ZN4absl7debian35Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE(mu, c, t);
  __tsan_acquire(mu);
  return r;
}
// Mutex::Await*: the lock is released while waiting and held again on return.
void __real__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(absl::Mutex*, const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(absl::Mutex*, const absl::Condition&);
void __wrap__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(absl::Mutex* mu,
                                                          const absl::Condition& c) {
  __tsan_release(mu);
  __real__ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE(mu, c);
  __tsan_acquire(mu);
}
bool __real__ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex*, const absl::Condition&, absl::Duration);
bool __wrap__ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex*, const absl::Condition&, absl::Duration);
bool __wrap__ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(
    absl::Mutex* mu, const absl::Condition& c, absl::Duration d) {
  __tsan_release(mu);
  const bool r = __real__ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE(mu, c, d);
  __tsan_acquire(mu);
  return r;
}
bool __real__ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex*, const absl::Condition&, absl::Time);
bool __wrap__ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex*, const absl::Condition&, absl::Time);
bool __wrap__ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(
    absl::Mutex* mu, const absl::Condition& c, absl::Time t) {
  __tsan_release(mu);
  const bool r = __real__ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE(mu, c, t);
  __tsan_acquire(mu);
  return r;
}
// CondVar::Wait*: releases the mutex while waiting, holds it again on return.
void __real__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(absl::CondVar*, absl::Mutex*);
void __wrap__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(absl::CondVar*, absl::Mutex*);
void __wrap__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(absl::CondVar* cv, absl::Mutex* mu) {
  __tsan_release(mu);
  __real__ZN4absl7debian37CondVar4WaitEPNS0_5MutexE(cv, mu);
  __tsan_acquire(mu);
}
bool __real__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(absl::CondVar*,
                                                                               absl::Mutex*,
                                                                               absl::Duration);
bool __wrap__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(absl::CondVar*,
                                                                               absl::Mutex*,
                                                                               absl::Duration);
bool __wrap__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(
    absl::CondVar* cv, absl::Mutex* mu, absl::Duration d) {
  __tsan_release(mu);
  const bool r = __real__ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE(cv, mu, d);
  __tsan_acquire(mu);
  return r;
}
bool __real__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(absl::CondVar*,
                                                                            absl::Mutex*,
                                                                            absl::Time);
bool __wrap__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(absl::CondVar*,
                                                                            absl::Mutex*,
                                                                            absl::Time);
bool __wrap__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(
    absl::CondVar* cv, absl::Mutex* mu, absl::Time t) {
  __tsan_release(mu);
  const bool r = __real__ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE(cv, mu, t);
  __tsan_acquire(mu);
  return r;
}
// Notification: Notify releases, a successful wait acquires.
void __real__ZN4absl7debian312Notification6NotifyEv(absl::Notification*);
void __wrap__ZN4absl7debian312Notification6NotifyEv(absl::Notification*);
void __wrap__ZN4absl7debian312Notification6NotifyEv(absl::Notification* n) {
  __tsan_release(n);
  __real__ZN4absl7debian312Notification6NotifyEv(n);
}
void __real__ZNK4absl7debian312Notification19WaitForNotificationEv(const absl::Notification*);
void __wrap__ZNK4absl7debian312Notification19WaitForNotificationEv(const absl::Notification*);
void __wrap__ZNK4absl7debian312Notification19WaitForNotificationEv(const absl::Notification* n) {
  __real__ZNK4absl7debian312Notification19WaitForNotificationEv(n);
  __tsan_acquire(const_cast<absl::Notification*>(n));
}
bool __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const absl::Notification*, absl::Duration);
bool __wrap__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const absl::Notification*, absl::Duration);
bool __wrap__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(
    const absl::Notification* n, absl::Duration d) {
  const bool r =
      __real__ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE(n, d);
  if (r) __tsan_acquire(const_cast<absl::Notification*>(n));
  return r;
}
}  // extern "C"
