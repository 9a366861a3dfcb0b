// The catalog's schema version and the upgrade steps that reach it (private to corpus/:
// catalog.cpp runs them).
#pragma once

namespace policyindex::corpus::migrations {

inline constexpr int kSchemaVersion = 10;

// The SQL that takes a catalog from version `from` to `from + 1` (1 <= from < kSchemaVersion).
const char* step(int from);

}  // namespace policyindex::corpus::migrations
