import XCTest
import RingArithmetic
