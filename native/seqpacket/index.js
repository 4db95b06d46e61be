'use strict';
module.exports = require('./build/Release/seqpacket.node');
