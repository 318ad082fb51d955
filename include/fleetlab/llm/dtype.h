// Number formats of weights, activations and the KV cache.
#pragma once

#include <optional>
#include <string>

namespace fleetlab {

// kNvFp4 and kMxFp4 are 4-bit floats (E2M1) in blocks with a shared scale:
// NVFP4 one FP8 (E4M3) scale per 16 elements, MXFP4 (OCP Microscaling) one
// E8M0 scale per 32, so an element costs 0.5 + 1/16 and 0.5 + 1/32 bytes
// (NVFP4's per-tensor FP32 scale is negligible). docs/model.md, "Dtypes".
enum class DType { kFp32, kBf16, kFp16, kFp8, kInt8, kInt4, kNvFp4, kMxFp4 };

// Bytes per element, block scales included (int4: 0.5; nvfp4: 0.5625;
// mxfp4: 0.53125).
double BytesPerElement(DType d);
// "bf16" etc.; parsing returns nullopt for an unknown name.
const char* DTypeName(DType d);
std::optional<DType> ParseDType(const std::string& name);

}  // namespace fleetlab
