// SPDX-License-Identifier: MIT
#pragma once

/*!
    \file xdmessaging.h
    Everything XDMessaging offers: include this one header.
*/

#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdlistener.h>
#include <XDMessaging/xdlistenerinfo.h>
#include <XDMessaging/xdmessage.h>
#include <XDMessaging/xdnetworksettings.h>
#include <XDMessaging/xdpresence.h>
#include <XDMessaging/xdrequest.h>
#include <XDMessaging/xdsendresult.h>
#include <XDMessaging/xdversion.h>
