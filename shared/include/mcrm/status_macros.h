// Early-return helpers for absl::Status and absl::StatusOr; Abseil 20220623 ships none.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define MCRM_CONCAT_INNER_(a, b) a##b
#define MCRM_CONCAT_(a, b) MCRM_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status mcrm_status_ = (expr);        \
    if (!mcrm_status_.ok()) return mcrm_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status when not OK, else moves the
// value into `lhs` (which may be a declaration such as `auto x`).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(MCRM_CONCAT_(mcrm_statusor_, __LINE__), lhs, rexpr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)       \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()
