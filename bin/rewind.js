#!/usr/bin/env node
import '../dist/bin/rewind.js';
