import XCTest
import StableDiffusion
