#include "format/compatibility.hpp"

#include "format/schema.hpp"
#include "lupe/error.hpp"

namespace lupe::format {

IndexRecord read_index_record(const Xapian::Database& db) {
    IndexRecord record;
    record.format = db.get_metadata(std::string(schema::kFormatKey));
    record.analysis = db.get_metadata(std::string(schema::kAnalysisKey));
    record.word_list = db.get_metadata(std::string(schema::kGermanWordListKey));
    record.documents = db.get_doccount();
    return record;
}

Compatibility check_compatibility(const IndexRecord& record, const std::string& where,
                                  const std::optional<ExpectedAnalysis>& expected) {
    Compatibility result;
    if (record.format.empty()) {
        if (record.documents != 0) {
            throw IndexCorruptError(where + ": a Xapian database, but not a lupe index (no " +
                                    std::string(schema::kFormatKey) + " metadata)");
        }
        result.record_format = true;
    } else if (record.format != schema::kFormatValue) {
        throw IndexCorruptError(where + ": lupe index format " + record.format +
                                ", this lupe reads format " + std::string(schema::kFormatValue) +
                                "; rebuild it (IndexWriterOptions::rebuild)");
    }
    if (!expected || record.analysis == expected->description) return result;
    const std::string wanted(expected->description);
    switch (expected->peer) {
        case AnalysisPeer::kWriterOptions:
            if (record.documents == 0) {
                result.record_analysis = true;
                return result;
            }
            throw RuntimeError(where + ": its documents were analysed with \"" +
                               record.analysis + "\", this run asks for \"" + wanted +
                               "\"; use the same settings, or rebuild it "
                               "(IndexWriterOptions::rebuild)");
        case AnalysisPeer::kOtherShards:
            throw IndexCorruptError(where + ": analysed with \"" + record.analysis +
                                    "\", other shards with \"" + wanted +
                                    "\"; build all shards with the same settings");
    }
    return result;
}

}  // namespace lupe::format
