// The one order of names: every list of the app and of the back office sorts text by the same
// ICU sort keys, so that a customer list reads alike on a phone and in a report.
//
// Text sorts by ICU's Chinese collation: Chinese in pinyin order (阿里巴巴, 百度, 北京华为, ...,
// 中国移动), then Latin script in dictionary order, accents after the plain letter (Muller,
// Müller, Mutter), case not at all. One order for every language the product speaks, so that an
// index holds whatever language the user picks. The stores keep a text column's keys in a column
// beside it ("name__key", see sql_view.h), so that index inserts and sorts compare bytes and the
// databases need no collation of their own to be read.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace mcrm {

// The sort key of `text` (bytes, compared as unsigned bytes). Holds no zero byte. Keys of texts
// that differ in case only are equal: ties are ordered by the caller (by id, or by rowid).
std::string SortKeyOf(absl::string_view text);

// Names the ICU version and its collation data's version whose order the keys hold (or that
// there is no collator, and keys are the text's bytes), for the DDL of tables that store them:
// keys made by another must be made anew.
std::string SortKeyVersion();

}  // namespace mcrm
