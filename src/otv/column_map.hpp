#pragma once
// ColumnMap: the name of every column of the engineered prompt (eq. 6), so no
// code indexes bare column numbers. Two layouts: the paper's and the authors'
// released code's (DESIGN.md §2).
#include <stdexcept>
#include <string>
#include <vector>

namespace otv {

enum class Layout { paper, notebook };

struct ColumnMap {
  int d = 1;
  std::vector<int> x, y;  // d columns each
  int x2, y2;             // |x_i|^2, |y_i|^2
  int one_a, one_b, one_c;  // ones columns (paper: columns 2d+3, 2d+4, 2d+5)
  int s;                  // 1 on data rows, -1/n on the sink (paper: 2d+6)
  int u, v, out;          // dual iterates and the output column
  int log_n2 = -1;        // optional: sqrt(2 log n) on the sink row (corrected variant)
  int width;

  static ColumnMap make(Layout layout, int d, bool with_log_n2 = false) {
    ColumnMap m;
    m.d = d;
    int c = 0;
    auto take = [&c] { return c++; };
    if (layout == Layout::paper) {  // [x, y, |x|^2, |y|^2, 1, 1, 1, s, u, v, out]
      for (int k = 0; k < d; ++k) m.x.push_back(take());
      for (int k = 0; k < d; ++k) m.y.push_back(take());
      m.x2 = take(); m.y2 = take();
    } else {  // [|x|^2, x, |y|^2, y, 1, 1, 1, s, u, v, out]
      m.x2 = take();
      for (int k = 0; k < d; ++k) m.x.push_back(take());
      m.y2 = take();
      for (int k = 0; k < d; ++k) m.y.push_back(take());
    }
    m.one_a = take(); m.one_b = take(); m.one_c = take(); m.s = take();
    m.u = take(); m.v = take(); m.out = take();
    if (with_log_n2) m.log_n2 = take();
    m.width = c;
    return m;
  }
};

}  // namespace otv
