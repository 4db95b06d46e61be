'use strict';
module.exports = require('./build/Release/berth_linux.node');
