import XCTest
import CKKS
