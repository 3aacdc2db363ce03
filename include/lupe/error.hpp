/// @file error.hpp
/// @brief The exceptions lupe throws.
///
/// Every failure leaves the library as a subclass of lupe::Error; no Xapian exception
/// escapes. Like Xapian's own split, LogicError means the caller used the API wrongly
/// (a bad argument, a call in the wrong state) and RuntimeError means the world was not
/// as expected (an index missing or damaged, a query with a syntax error, a bad document).
#pragma once

#include "lupe/export.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>

namespace lupe {

/// @brief Base class of every exception lupe throws. what() is one line for a human.
/// @since 0.1
class LUPE_API Error : public std::runtime_error {
public:
    /// @param message one line that names what failed (path, document id, query position)
    explicit Error(const std::string& message);
};

/// @brief The API was used wrongly: fix the calling code.
/// @since 0.1
class LUPE_API LogicError : public Error {
public:
    using Error::Error;
};

/// @brief An argument was out of its documented range (an unknown language code, a zero limit).
/// @since 0.1
class LUPE_API InvalidArgumentError : public LogicError {
public:
    using LogicError::LogicError;
};

/// @brief Something outside the program was not as expected.
/// @since 0.1
class LUPE_API RuntimeError : public Error {
public:
    using Error::Error;
};

/// @brief Reading or writing a file failed (the message names the path and the system's reason).
/// @since 0.1
class LUPE_API IoError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief There is no index at the given path.
/// @since 0.1
class LUPE_API IndexNotFoundError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief The path holds something that is not a readable lupe index (damaged, foreign,
/// or written by an incompatible version). The message suggests `xapian-check`.
/// @since 0.1
class LUPE_API IndexCorruptError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief A shard of a shard list cannot be read (its server is down or unreachable, its
/// directory is missing or damaged); the message names each such shard. A search with
/// SearchOptions::allow_partial returns the other shards' results instead.
/// @since 0.3
class LUPE_API ShardUnavailableError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief Another writer holds the index's write lock.
/// @since 0.1
class LUPE_API IndexLockedError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief A query could not be parsed. position() is the 1-based character position
/// in the query where the problem was found.
/// @since 0.1
class LUPE_API QuerySyntaxError : public RuntimeError {
public:
    /// @param message what is wrong, without the position
    /// @param position 1-based character (code point) position in the query
    QuerySyntaxError(const std::string& message, std::size_t position);
    /// @return 1-based character position in the query
    std::size_t position() const noexcept { return position_; }
    /// @return the message without the "at position N" suffix
    const std::string& reason() const noexcept { return reason_; }

private:
    std::string reason_;
    std::size_t position_;
};

/// @brief A query goes beyond one of lupe's limits: its length (16 KiB), its number of
/// terms (1024) or the nesting of its parentheses (32); the message names the limit and
/// position() where it was passed. Unlike other syntax errors, such a query is not retried
/// as plain words: a cut query would quietly search for less than was asked.
/// @since 0.4
class LUPE_API QueryLimitError : public QuerySyntaxError {
public:
    using QuerySyntaxError::QuerySyntaxError;
};

/// @brief A document was rejected (no id, invalid UTF-8, no text, ...). The message
/// names the document id when it has one.
/// @since 0.1
class LUPE_API DocumentError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief An indexing run would delete more of the index than a run may delete on its own
/// (IndexRunOptions::allow_mass_delete): a source that yields none of the documents it
/// had (an empty or unmounted folder), or more than IndexRunOptions::max_delete_share of
/// the index. The run changed nothing; the message names the source and the counts.
/// @since 0.5
class LUPE_API MassDeleteError : public RuntimeError {
public:
    using RuntimeError::RuntimeError;
};

/// @brief The German word list that compound splitting needs cannot be read. The message
/// names the path tried and what chose it (IndexWriterOptions::german_word_list,
/// $LUPE_GERMAN_WORDLIST, or the default path) and how to go on without it. Thrown when the
/// list is first needed, i.e. for the first German document an IndexWriter analyses; a
/// run over documents of other languages never reads the list.
/// @since 0.5
class LUPE_API WordListError : public IoError {
public:
    using IoError::IoError;
};

}  // namespace lupe
