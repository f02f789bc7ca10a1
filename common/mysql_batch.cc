#include "common/mysql_batch.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cppconn/prepared_statement.h"

namespace wse {

std::string Placeholders(size_t count) {
  return absl::StrJoin(std::vector<std::string>(count, "?"), ", ");
}

std::string RowPlaceholders(size_t rows, size_t columns) {
  return absl::StrJoin(
      std::vector<std::string>(rows, absl::StrCat("(", Placeholders(columns), ")")), ", ");
}

size_t PaddedCount(size_t count) {
  size_t padded = 1;
  while (padded < count) padded *= 2;
  return padded;
}

void BindPadded(sql::PreparedStatement& statement, const std::vector<std::string>& values,
                int first) {
  const size_t padded = PaddedCount(values.size());
  for (size_t i = 0; i < padded; ++i) {
    statement.setString(first + static_cast<int>(i), values[std::min(i, values.size() - 1)]);
  }
}

void BindPadded(sql::PreparedStatement& statement, const std::vector<uint64_t>& values, int first) {
  const size_t padded = PaddedCount(values.size());
  for (size_t i = 0; i < padded; ++i) {
    statement.setUInt64(first + static_cast<int>(i), values[std::min(i, values.size() - 1)]);
  }
}

void BindPaddedRows(sql::PreparedStatement& statement, const std::vector<std::string>& values,
                    size_t columns) {
  const size_t rows = values.size() / columns;
  const size_t padded = PaddedCount(rows);
  for (size_t row = 0; row < padded; ++row) {
    const size_t from = std::min(row, rows - 1) * columns;
    for (size_t column = 0; column < columns; ++column) {
      statement.setString(static_cast<int>(row * columns + column + 1), values[from + column]);
    }
  }
}

std::vector<Chunk> PowerOfTwoChunks(size_t count, size_t max_chunk) {
  size_t largest = 1;
  while (largest * 2 <= max_chunk) largest *= 2;
  std::vector<Chunk> chunks;
  size_t offset = 0;
  for (size_t size = largest; size >= 1 && offset < count; size /= 2) {
    while (count - offset >= size) {
      chunks.push_back({offset, size});
      offset += size;
    }
  }
  return chunks;
}

}  // namespace wse
