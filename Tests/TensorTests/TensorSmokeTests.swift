import XCTest
import Tensor
