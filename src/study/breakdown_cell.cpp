#include "study/breakdown_cell.hpp"
#include "otv/scalar_registry.hpp"

namespace otv::study {

CellOutput breakdown_cell(const ScalarSpec& scalar, const CellSpec& spec) {
  return with_scalar(scalar, [&]<class Real>() { return BreakdownCell<Real>::cell(spec); });
}

DepthOutput depth_needed(const ScalarSpec& scalar, const DepthSpec& spec) {
  return with_scalar(scalar, [&]<class Real>() { return BreakdownCell<Real>::depth(spec); });
}

}  // namespace otv::study
