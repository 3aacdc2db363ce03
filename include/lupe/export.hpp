/// @file export.hpp
/// @brief LUPE_API marks what a shared liblupe exports; everything else stays hidden.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
/// Marks a public class or function of lupe's API (default symbol visibility).
#define LUPE_API __attribute__((visibility("default")))
#else
#define LUPE_API
#endif
