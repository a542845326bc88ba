'use strict';

module.exports = { suffix: '.html' };
