#pragma once
// Server-side prepared statements kept per pooled connection.
//
// Connector/C++ 1.1 prepares on the server at every prepareStatement(): one extra round trip and
// a parse for each query, then a close. The services run the same few dozen statements over and
// over, so a pooled connection keeps each statement it prepared and the next caller only binds
// and executes. Connections opened outside a MysqlPool (probes, migrations, tests) get a fresh
// statement each time, as before.

#include <memory>
#include <string>

namespace sql {
class Connection;
class PreparedStatement;
}  // namespace sql

namespace wse {

// A prepared statement borrowed from its connection's cache (or owned, when not cacheable).
// Parameters are cleared when it is handed out. Keep it within the connection's lease.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  sql::PreparedStatement* operator->() const { return statement_; }
  sql::PreparedStatement& operator*() const { return *statement_; }
  sql::PreparedStatement* get() const { return statement_; }

 private:
  friend Statement Prepare(sql::Connection& conn, const std::string& sql);
  Statement(sql::PreparedStatement* statement, bool* in_use, bool owned);

  sql::PreparedStatement* statement_;
  bool* in_use_;  // The cache entry's flag; nullptr when owned.
  bool owned_;
};

// The statement for `sql` on `conn`: cached when `conn` belongs to a MysqlPool, the cache of that
// connection has room and the same statement is not already in use by the caller.
Statement Prepare(sql::Connection& conn, const std::string& sql);

namespace mysql_statements_internal {
// Called by MysqlPool: a connection it made, and one it is about to close.
void Track(const sql::Connection* conn);
void Forget(const sql::Connection* conn);
}  // namespace mysql_statements_internal

}  // namespace wse
