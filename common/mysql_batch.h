#pragma once
// Shapes of set-based statements (group commit, common/group_commit.h): one statement for many
// rows instead of one per row. Prepared statements are cached per connection and per text
// (mysql_statements.h), so the shapes are kept few: IN lists are padded to a power of two (a
// repeated value changes nothing in an IN list), and multi-row inserts, which cannot be padded,
// are cut into power-of-two chunks (at most log2(max) + 1 distinct texts per statement).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace wse {

// "?, ?, ?" (`count` placeholders).
std::string Placeholders(size_t count);
// "(?, ?), (?, ?)": `rows` rows of `columns` placeholders.
std::string RowPlaceholders(size_t rows, size_t columns);
// The smallest power of two >= `count` (1 for 0): the size an IN list is padded to.
size_t PaddedCount(size_t count);
// Binds `values` (never empty: the caller checks) to the IN list's PaddedCount(size) parameters
// starting at `first`, repeating the last value.
void BindPadded(sql::PreparedStatement& statement, const std::vector<std::string>& values,
                int first = 1);
void BindPadded(sql::PreparedStatement& statement, const std::vector<uint64_t>& values,
                int first = 1);
// The same for an IN list of rows ("(a, b) IN ((?, ?), ...)"): `values` holds the rows one after
// the other, `columns` values each, and the last row is repeated.
void BindPaddedRows(sql::PreparedStatement& statement, const std::vector<std::string>& values,
                    size_t columns);

struct Chunk {
  size_t offset;
  size_t size;
};
// `count` rows cut into power-of-two chunks, largest first, none larger than `max_chunk`.
std::vector<Chunk> PowerOfTwoChunks(size_t count, size_t max_chunk = 64);

}  // namespace wse
